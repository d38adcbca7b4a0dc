import { customType } from 'drizzle-orm/pg-core';

/**
 * `text COLLATE "C"`: compared and sorted by code point whatever the server's locale, as LangGraph
 * orders checkpoint ids (uuid6, newest last) and writes (`compareWritesSortKeys`); indexes stay usable.
 */
export const cText = customType<{ data: string; driverData: string }>({
  dataType: () => 'text COLLATE "C"',
});
