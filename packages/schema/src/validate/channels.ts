import type { Problem } from '../problem.js';
import type { Channel, ChannelReducer, ChannelType } from '../workflow.js';
import { error } from './problems.js';
import type { NodeInfo } from './types.js';

const TYPE_TEST: Record<ChannelType, (value: unknown) => boolean> = {
  string: (v) => typeof v === 'string',
  number: (v) => typeof v === 'number' && Number.isFinite(v),
  boolean: (v) => typeof v === 'boolean',
  list: (v) => Array.isArray(v),
  messages: (v) => Array.isArray(v),
  json: () => true,
};

const TYPE_WORD: Record<ChannelType, string> = {
  string: 'a string',
  number: 'a finite number',
  boolean: 'a boolean',
  list: 'an array',
  messages: 'an array of messages',
  json: 'any JSON value',
};

/** The channel type each reducer needs; `replace` works with every type. */
const REDUCER_TYPE: Record<Exclude<ChannelReducer, 'replace'>, ChannelType> = {
  sum: 'number',
  append: 'list',
  messages: 'messages',
  merge: 'json',
};

/** Deepest nesting allowed in a channel default (values are copied for every run). */
export const MAX_DEFAULT_DEPTH = 64;

/** Nesting depth of a JSON value, stopping once `limit` is passed; iterative, so any depth is safe. */
export function depthExceeds(value: unknown, limit: number): boolean {
  const stack: [unknown, number][] = [[value, 0]];
  while (stack.length > 0) {
    const [v, d] = stack.pop() ?? [undefined, 0];
    if (v === null || typeof v !== 'object') continue;
    if (d >= limit) return true;
    for (const child of Array.isArray(v) ? v : Object.values(v)) stack.push([child, d + 1]);
  }
  return false;
}

/** Channel declarations: defaults must match the type, reducers must fit it. */
export function checkChannelDefinitions(state: ReadonlyMap<string, Channel>, out: Problem[]): void {
  for (const [name, channel] of state) {
    if (channel.default !== undefined && !TYPE_TEST[channel.type](channel.default)) {
      out.push(
        error(
          'invalid_channel_default',
          ['state', name, 'default'],
          `Channel "${name}" has type ${channel.type}, so its default must be ${TYPE_WORD[channel.type]}`,
        ),
      );
    }
    if (channel.default !== undefined && depthExceeds(channel.default, MAX_DEFAULT_DEPTH)) {
      out.push(
        error(
          'invalid_channel_default',
          ['state', name, 'default'],
          `Channel "${name}" has a default nested deeper than ${MAX_DEFAULT_DEPTH} levels`,
        ),
      );
    }
    if (channel.reducer !== 'replace') {
      const needs = REDUCER_TYPE[channel.reducer];
      if (needs !== channel.type) {
        out.push(
          error(
            'invalid_reducer',
            ['state', name, 'reducer'],
            `Channel "${name}" uses reducer "${channel.reducer}", which needs type ${needs} (the channel is ${channel.type})`,
          ),
        );
      }
    }
  }
}

/** Every channel a node reads or writes must be declared in `state`. */
export function checkChannelUse(infos: readonly NodeInfo[], channelNames: ReadonlySet<string>, out: Problem[]): void {
  for (const info of infos) {
    const reported = new Set<string>();
    const uses: [string[] | undefined, string][] = [
      [info.reads, 'reads'],
      [info.writes, 'writes'],
    ];
    for (const [names, verb] of uses) {
      for (const name of names ?? []) {
        if (channelNames.has(name) || reported.has(name)) continue;
        reported.add(name);
        out.push(
          error(
            'unknown_channel',
            ['nodes', info.index, 'config'],
            `Node ${info.name} ${verb} channel "${name}", which is not declared in state`,
            {
              nodeId: info.node.id,
            },
          ),
        );
      }
    }
  }
}
