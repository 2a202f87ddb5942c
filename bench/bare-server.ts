import { readFileSync } from 'node:fs';
import Fastify from 'fastify';

/**
 * The baseline for bench/run.ts: a bare Fastify server answering GET / with fixed bytes.
 * Usage: bare-server.ts <body-file> <content-type>. Prints {"port": n} once listening.
 */
const [bodyFile, contentType] = process.argv.slice(2);
if (!bodyFile || !contentType) throw new Error('usage: bare-server.ts <body-file> <content-type>');
const body = readFileSync(bodyFile);
const app = Fastify({ logger: false });
app.get('/', (_request, reply) => reply.type(contentType).send(body));
await app.listen({ port: 0, host: '127.0.0.1' });
const address = app.server.address();
process.stdout.write(`${JSON.stringify({ port: typeof address === 'object' && address ? address.port : 0 })}\n`);
const stop = (): void => void app.close().then(() => process.exit(0));
process.on('SIGTERM', stop);
process.on('SIGINT', stop);
