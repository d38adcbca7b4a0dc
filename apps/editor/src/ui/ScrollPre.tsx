import type { ReactNode } from 'react';

/**
 * Preformatted text in a box that may scroll: focusable, so its overflow can be read with the keyboard
 * (WCAG "scrollable region must have keyboard access"; axe `scrollable-region-focusable`).
 */
export function ScrollPre({
  className,
  children,
  testId,
}: {
  className?: string | undefined;
  children: ReactNode;
  testId?: string | undefined;
}) {
  return (
    // biome-ignore lint/a11y/noNoninteractiveTabindex: a scrollable region must be reachable by keyboard
    <pre className={className} data-testid={testId} tabIndex={0}>
      {children}
    </pre>
  );
}
