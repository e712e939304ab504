/**
 * Entry of a forked worker process: receives the configuration, loads the model once, then segments
 * the files the parent hands it one at a time and reports progress and outcomes over IPC. It never
 * draws on the terminal.
 */
import { errorLine } from '@voxelflow/cli-kit';
import { ImageProcessor, type FileProgress } from './image-processor';
import type { FromWorker, ToWorker } from './worker-messages';

let processor: ImageProcessor | undefined;
let finished = false;
let queue: Promise<void> = Promise.resolve();

function send(message: FromWorker): Promise<void> {
  return new Promise((resolve) => {
    if (!process.send || !process.connected) return resolve();
    process.send(message, undefined, {}, () => resolve());
  });
}

async function quit(code: number): Promise<void> {
  finished = true;
  await processor?.dispose().catch(() => undefined);
  process.exit(code);
}

async function handle(message: ToWorker): Promise<void> {
  switch (message.type) {
    case 'init':
      try {
        processor = await ImageProcessor.create(message.config);
        await send({ type: 'ready', notes: processor.notes });
      } catch (e) {
        // Exit only once the parent has the message (process.send is asynchronous).
        await send({ type: 'fatal', message: errorLine(e), exitCode: (e as { exitCode?: number }).exitCode ?? 1 });
        await quit(1);
      }
      return;
    case 'file': {
      if (!processor) throw new Error('file before init');
      let last = 0;
      const progress: FileProgress = (file, done, total) => {
        const now = Date.now();
        if (done < total && now - last < 200) return;
        last = now;
        void send({ type: 'progress', file, done, total });
      };
      const outcome = await processor.process(message.file, progress);
      await send({ type: 'result', outcome });
      return;
    }
    case 'exit':
      await quit(0);
  }
}

process.on('message', (message: ToWorker) => {
  // Messages are handled strictly in order.
  queue = queue.then(() => handle(message));
});

// The parent died: nobody would read the results.
process.on('disconnect', () => {
  if (!finished) process.exit(1);
});
