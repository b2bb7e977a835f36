/**
 * The stand-in's JSON-RPC loop (src/kit/schema-engine/json-rpc-server.ts) with a fake method
 * table: the Prisma CLI's contract with a schema engine, without Prisma. The real engine behind
 * it is walked by conformance.test.ts.
 */
import { PassThrough } from 'node:stream';
import { expect, it } from 'vitest';
import { type RpcRequest, serveJsonRpc } from '#kit/schema-engine/json-rpc-server.ts';

function start(
  handle: (request: RpcRequest, requestCli: (m: string, p: object) => Promise<unknown>) => Promise<unknown>,
) {
  const input = new PassThrough();
  const lines: Array<Record<string, unknown>> = [];
  let exited: number | undefined;
  const server = serveJsonRpc(
    { input, write: (line) => lines.push(JSON.parse(line)), exit: (code) => (exited = code) },
    {
      handle: (request, rpc) => handle(request, (method, params) => rpc.requestCli(method, params as never)),
      fail: (_request, error) => ({
        error: { message: (error as Error).message },
        ...((error as Error).message === 'panic' ? { exitCode: 101 } : {}),
      }),
    },
  );
  const send = (message: object) => input.write(`${JSON.stringify(message)}\n`);
  const settled = () => new Promise((resolve) => setTimeout(resolve, 20));
  return { lines, send, settled, server, exited: () => exited, end: () => input.end() };
}

it('answers one request at a time, in order, whatever each one takes', async () => {
  const rpc = start(async (request) => {
    await new Promise((resolve) => setTimeout(resolve, request.id === 1 ? 30 : 0));
    return { method: request.method };
  });
  rpc.send({ jsonrpc: '2.0', id: 1, method: 'slow' });
  rpc.send({ jsonrpc: '2.0', id: 2, method: 'fast' });
  await new Promise((resolve) => setTimeout(resolve, 80));
  expect(rpc.lines).toEqual([
    { jsonrpc: '2.0', id: 1, result: { method: 'slow' } },
    { jsonrpc: '2.0', id: 2, result: { method: 'fast' } },
  ]);
});

it('asks the CLI to print and waits for its answer before answering the request', async () => {
  const rpc = start(async (_request, requestCli) => {
    await requestCli('print', { content: 'the diff' });
    return { exitCode: 0 };
  });
  rpc.send({ jsonrpc: '2.0', id: 7, method: 'diff' });
  await rpc.settled();
  expect(rpc.lines).toEqual([{ jsonrpc: '2.0', id: 1, method: 'print', params: { content: 'the diff' } }]);
  rpc.send({ jsonrpc: '2.0', id: 1, result: {} }); // the CLI printed it
  await rpc.settled();
  expect(rpc.lines.at(-1)).toEqual({ jsonrpc: '2.0', id: 7, result: { exitCode: 0 } });
});

it('answers a failure as an error, exits as told after a panic, and exits 0 when the CLI closes stdin', async () => {
  const rpc = start(async (request) => {
    throw new Error(request.method === 'panics' ? 'panic' : 'no such table');
  });
  rpc.send({ jsonrpc: '2.0', id: 1, method: 'fails' });
  await rpc.settled();
  expect(rpc.lines).toEqual([{ jsonrpc: '2.0', id: 1, error: { message: 'no such table' } }]);
  expect(rpc.exited()).toBeUndefined();
  rpc.send({ jsonrpc: '2.0', id: 2, method: 'panics' });
  await rpc.settled();
  expect(rpc.exited()).toBe(101);

  const quiet = start(async () => ({}));
  quiet.end();
  await quiet.settled();
  expect(quiet.exited()).toBe(0);
});

it('a failure thrown outside the call (a detached wasm task) fails the request in flight', async () => {
  let release: () => void = () => undefined;
  const rpc = start(
    () =>
      new Promise((resolve) => {
        release = () => resolve({});
      }),
  );
  expect(rpc.server.failRequestInFlight(new Error('none in flight'))).toBe(false);
  rpc.send({ jsonrpc: '2.0', id: 3, method: 'hangs' });
  await rpc.settled();
  expect(rpc.server.failRequestInFlight(new Error('deserialize failed'))).toBe(true);
  await rpc.settled();
  expect(rpc.lines).toEqual([{ jsonrpc: '2.0', id: 3, error: { message: 'deserialize failed' } }]);
  release();
});
