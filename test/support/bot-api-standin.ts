/** The Bot API stand-in lives in src/playground (the playground serves it too); tests import it from here. */
export * from '../../src/playground/bot-api-standin.js';
