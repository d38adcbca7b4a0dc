export {
  createModelFactory,
  type EngineModelFactory,
  type ModelFactoryOptions,
  type RoutingModelFactory,
} from './model-factory.js';
export {
  RoutedChatModel,
  FALLBACK_EVENT,
  type Candidate,
  type FailedAttempt,
  type RoutedCallOptions,
} from './routed-chat-model.js';
export { resolveChain, routingSettings, MAX_CHAIN } from './routing.js';
export {
  costOf,
  priceOf,
  DEFAULT_PRICES,
  PRICES_AS_OF,
  type Cost,
  type PriceMatch,
  type PriceTable,
  type Usage,
} from './prices.js';
export { listModels, ModelProviderInfo } from './list-models.js';
export { createCredentials, loadCredentials, type Credentials, type CredentialSource } from './credentials.js';
export {
  BUILTIN_PROVIDERS,
  COMPATIBLE_ENV,
  CompatibleEndpoints,
  providerDefs,
  type ProviderDef,
  type ProviderKind,
} from './providers.js';
export { toProviderError } from './provider-error.js';
export { splitSpec, TIER_PREFIX } from './spec.js';
