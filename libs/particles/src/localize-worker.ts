/**
 * Worker-thread entry of `localizeProject`: opens the project once, then localizes each run it is
 * sent and replies with the run's summary (or the error message). Built to `dist/localize-worker.js`.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { openCopickProject } from './copick-project';
import { localizeCopickRun, type LocalizeWorkerInit, type LocalizeWorkerReply, type LocalizeWorkerRequest } from './localize-project';

const init = workerData as LocalizeWorkerInit;
const port = parentPort;
if (port) {
  const project = openCopickProject(init.configPath, { overlayRoot: init.overlayUrl, staticRoot: init.staticUrl });
  // Avoid an unhandled rejection before the first message; the error is reported per run below.
  project.catch(() => undefined);
  port.on('message', (msg: LocalizeWorkerRequest) => {
    void (async () => {
      let reply: LocalizeWorkerReply;
      try {
        reply = { id: msg.id, ok: true, summary: await localizeCopickRun(await project, msg.run, init.job) };
      } catch (err) {
        reply = { id: msg.id, ok: false, error: err instanceof Error ? err.message : String(err) };
      }
      port.postMessage(reply);
    })();
  });
}
