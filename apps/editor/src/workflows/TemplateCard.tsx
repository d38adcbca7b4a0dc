import type { Template } from '../api/schemas.js';

export function TemplateCard({ template, onUse }: { template: Template; onUse: () => void }) {
  return (
    <button
      type="button"
      className="card template-card"
      onClick={onUse}
      data-testid="template-card"
      data-template-id={template.id}
    >
      <strong>{template.name}</strong>
      <span className="muted small clamp">{template.description}</span>
      <span className="row wrap">
        {template.labels.map((l) => (
          <span key={l} className="pill">
            {l}
          </span>
        ))}
      </span>
    </button>
  );
}
