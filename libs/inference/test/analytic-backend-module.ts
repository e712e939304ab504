/** A backend module for pipeline part processes in tests: exports a BackendFactory of the analytic model. */
import type { BackendFactory } from '../src';
import { AnalyticBackend } from './analytic-backend';

export const createAnalyticBackend: BackendFactory = async () => new AnalyticBackend();
