import { buildProgram } from './cli/program.ts';
import { reportError } from './cli/io.ts';

/** Entry point of the `alongside` command (bin/alongside.js runs this through tsx). */

// Output piped into something that stops reading (`| head`) is not an error worth a stack trace.
process.stdout.on('error', (err: NodeJS.ErrnoException) => {
  if (err.code !== 'EPIPE') throw err;
});

try {
  await buildProgram().parseAsync(process.argv);
} catch (err) {
  process.exitCode = reportError(err);
}
