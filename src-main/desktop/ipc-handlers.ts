// Main's side of src-main/ipc/contract.ts. Every handler checks who is calling and what it sent
// before doing anything: a page we did not load gets a refusal, not an answer.
import { app, ipcMain } from 'electron';
import { VERSION_CHANNEL, type IpcChannel, type IpcReply, type IpcRequest, type IpcResponse } from '../ipc/contract.js';
import { isAppUrl } from './window.js';

interface Handler<C extends IpcChannel> {
  /** Turns the raw invoke arguments into the typed request, throwing a TypeError when they do not fit. */
  parse(args: unknown[]): IpcRequest<C>;
  run(request: IpcRequest<C>): IpcResponse<C> | Promise<IpcResponse<C>>;
}

function noArguments(channel: IpcChannel) {
  return (args: unknown[]): void => {
    if (args.length > 0) throw new TypeError(`${channel} takes no arguments, got ${args.length}`);
  };
}

function handle<C extends IpcChannel>(channel: C, handler: Handler<C>): void {
  ipcMain.handle(channel, async (event, ...args: unknown[]): Promise<IpcReply<C>> => {
    const from = event.senderFrame?.url;
    if (!isAppUrl(from)) {
      return {
        ok: false,
        error: {
          name: 'ForbiddenError',
          message: `${channel} was called from ${from ?? 'an unknown page'}, which is not KubeDesk`,
        },
      };
    }
    try {
      return { ok: true, result: await handler.run(handler.parse(args)) };
    } catch (error) {
      const { name, message } = error instanceof Error ? error : new Error(String(error));
      return { ok: false, error: { name, message } };
    }
  });
}

export function registerIpcHandlers(): void {
  handle(VERSION_CHANNEL, {
    parse: noArguments(VERSION_CHANNEL),
    run: () => ({ version: app.getVersion() }),
  });
}
