// The preload runs in a sandboxed renderer: it may require only `electron`, and it hands the page
// named functions, never ipcRenderer itself (which would let the page call any channel).
import { contextBridge, ipcRenderer } from 'electron';
import { VERSION_CHANNEL, type IpcChannel, type IpcReply, type KubedeskBridge } from '../ipc/contract.js';

async function invoke<C extends IpcChannel>(channel: C): Promise<Extract<IpcReply<C>, { ok: true }>['result']> {
  const reply = (await ipcRenderer.invoke(channel)) as IpcReply<C>;
  if (reply.ok) return reply.result;
  const error = new Error(reply.error.message);
  error.name = reply.error.name;
  throw error;
}

const bridge: KubedeskBridge = {
  version: () => invoke(VERSION_CHANNEL),
};

contextBridge.exposeInMainWorld('kubedesk', bridge);
