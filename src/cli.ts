/* eslint-disable no-console -- the CLI talks to its user on the terminal */
import { Command } from 'commander';

const program = new Command();
program.name('alongside').description('Alongside: co-produced quality improvement for NHS trusts');
await program.parseAsync(process.argv);
