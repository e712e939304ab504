/**
 * Local servers for tests of this and other packages. Each listens on 127.0.0.1 with a free port and
 * stops with `close()`. s3rver is a devDependency and is loaded only when `startS3rver` runs.
 */
export { startS3rver, type StartS3rverOptions, type S3rverHandle } from './testing/s3rver';
export { startFakeHub, type FakeHubOptions, type FakeHubRepo, type FakeHubHandle } from './testing/fake-hub';
export {
  startStaticServer,
  type StaticServerOptions,
  type StaticServerHandle,
  type RecordedRequest,
} from './testing/static-server';
