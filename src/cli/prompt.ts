import { CliError } from './io.ts';

/**
 * Asks for a secret on the terminal with echo off (raw mode: nothing typed is shown).
 * Enter finishes, Backspace deletes, Ctrl-C cancels.
 */
export function readHidden(question: string, input: NodeJS.ReadStream = process.stdin, output: NodeJS.WriteStream = process.stderr): Promise<string> {
  if (!input.isTTY) return Promise.reject(new CliError('cannot ask for a password: not running in a terminal'));
  return new Promise((resolve, reject) => {
    let chars: string[] = [];
    const finish = (err?: Error): void => {
      input.removeListener('data', onData);
      input.setRawMode(false);
      input.pause();
      output.write('\n');
      if (err) reject(err);
      else resolve(chars.join(''));
    };
    const onData = (chunk: string): void => {
      // Arrow keys and other escape sequences arrive as one chunk starting with ESC: ignore them.
      if (chunk.startsWith('\u001b')) return;
      for (const ch of chunk) {
        if (ch === '\r' || ch === '\n' || ch === '\u0004') return finish();
        if (ch === '\u0003') return finish(new CliError('cancelled', 130));
        if (ch === '\u007f' || ch === '\b') chars = chars.slice(0, -1);
        else if (ch >= ' ') chars.push(ch);
      }
    };
    // Echo goes off before the question appears, so nothing typed early is shown either.
    input.setEncoding('utf8');
    input.setRawMode(true);
    input.resume();
    input.on('data', onData);
    output.write(question);
  });
}
