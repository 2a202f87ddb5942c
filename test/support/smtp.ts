import type { AddressInfo } from 'node:net';
import { simpleParser, type ParsedMail } from 'mailparser';
import { SMTPServer } from 'smtp-server';

export interface Received {
  to: string[];
  /** The raw message as it arrived. */
  data: string;
}

export interface TestSmtp {
  received: Received[];
  url: string;
  /** The received messages parsed as a mail client would (subject, text, attachments). */
  parsed(): Promise<ParsedMail[]>;
  close(): Promise<void>;
}

/** A real SMTP server on localhost for tests; rejectAll makes every recipient fail. */
export async function startSmtp(options: { rejectAll?: boolean } = {}): Promise<TestSmtp> {
  const received: Received[] = [];
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS'],
    logger: false,
    onRcptTo(_address, _session, cb) {
      if (options.rejectAll) return cb(new Error('mailbox unavailable'));
      cb();
    },
    onData(stream, session, cb) {
      const chunks: Buffer[] = [];
      stream.on('data', (c: Buffer) => chunks.push(c));
      stream.on('end', () => {
        received.push({ to: session.envelope.rcptTo.map((r) => r.address), data: Buffer.concat(chunks).toString('utf8') });
        cb();
      });
    },
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.server.address() as AddressInfo).port;
  return {
    received,
    url: `smtp://127.0.0.1:${port}`,
    parsed: () => Promise.all(received.map((r) => simpleParser(r.data))),
    close: () => new Promise<void>((r) => server.close(() => r())),
  };
}
