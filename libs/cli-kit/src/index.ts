/**
 * @packageDocumentation Terminal support shared by the VoxelFlow apps: progress display (a bar on a
 * TTY, plain lines otherwise), one-line error exits and snake_case flag aliases.
 */
export { ProgressDisplay, formatProgressLine, formatDuration, type ProgressLike, type ProgressDisplayOptions } from './progress-display';
export { runCommand, errorLine, EXIT_FAILURE, EXIT_USAGE } from './run-command';
export { snakeAlias, withSnakeAliases, parseNumberList } from './flag-aliases';
export { withInterrupt } from './interrupt';
export { withCliConventions } from './cli-conventions';

// Test support: run an app as a child process (source through tsx, or the built bin under npm test)
export { runAppProcess, appEntry, type AppRun } from './run-app-process';
