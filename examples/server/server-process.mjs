// @ts-check
// serve.mjs in a child process, driven over IPC: how bench.mjs and the use-after-put test start a
// server, send it commands (reset, snapshot) and stop it.
import { fork } from 'node:child_process';
import { once } from 'node:events';
import { fileURLToPath } from 'node:url';

const serve = fileURLToPath(new URL('serve.mjs', import.meta.url));

/**
 * @typedef {object} ServerProcess
 * @property {number} port where it listens, on 127.0.0.1
 * @property {(command: object) => Promise<any>} command sends a command and resolves with the server's reply
 * @property {() => Promise<void>} stop SIGTERM, then SIGKILL after 5 s; resolves once it has exited
 */

/**
 * Starts serve.mjs with `args` and resolves once it listens. A reply that takes over 15 s, or a
 * server that exits while one is awaited, rejects.
 * @param {string[]} args
 * @param {NodeJS.ProcessEnv} env
 * @returns {Promise<ServerProcess>}
 */
export async function startServer(args, env) {
  const child = fork(serve, args, { env, stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  const exited = once(child, 'exit');
  /** @param {object | undefined} command */
  const reply = async (command) => {
    const answer = once(child, 'message', { signal: AbortSignal.timeout(15_000) });
    if (command !== undefined) child.send(command);
    const [message] = await Promise.race([answer, exited.then(([code]) => { throw new Error(`server exited (${code}) during serve.mjs ${args.join(' ')}`); })]);
    return message;
  };
  const stop = async () => {
    child.kill('SIGTERM');
    const killer = setTimeout(() => child.kill('SIGKILL'), 5000);
    await exited;
    clearTimeout(killer);
  };
  try {
    const { port } = await reply(undefined);
    return { port, command: reply, stop };
  } catch (error) {
    await stop();
    throw error;
  }
}
