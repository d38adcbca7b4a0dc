import { useEffect } from 'react';
import { integrationsStore, useDocument, useIntegrations } from '../stores/app-stores.js';
import { ModelPicker } from './ModelPicker.js';

interface Props {
  id: string;
  value: string;
  onChange: (value: string) => void;
  readOnly: boolean;
  invalid: boolean;
  emptyLabel: string;
}

/** ModelPicker fed by the engine's model list and the open workflow's tiers. */
export function ModelField(props: Props) {
  const models = useIntegrations((s) => s.models);
  const tiers = useDocument((s) => s.doc.settings.models?.tiers);
  useEffect(() => {
    void integrationsStore.getState().loadModels();
  }, []);
  return (
    <ModelPicker
      {...props}
      providers={models.status === 'ready' ? models.value : undefined}
      error={models.status === 'error' ? models.message : undefined}
      tiers={tiers}
    />
  );
}
