/** The command menu (setMyCommands) from its descriptions, in a fixed order. */
export const menu = (ask: string, start: string, help: string, source: string, facts: string, lang: string, privacy: string) => [
  { command: 'ask', description: ask },
  { command: 'help', description: help },
  { command: 'facts', description: facts },
  { command: 'source', description: source },
  { command: 'lang', description: lang },
  { command: 'privacy', description: privacy },
  { command: 'start', description: start },
];
