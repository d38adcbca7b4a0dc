/** One `isRecord` for the whole project: the schema package's. */
export { isRecord } from '@flowcraft/schema';
