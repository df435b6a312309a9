/** The navigation icon of the MetaStudio page: a chat bubble in a screen (decorative). */
export function IconMetaStudio() {
  return (
    <svg width={16} height={16} viewBox="0 0 24 24" fill="none" stroke="currentColor" strokeWidth="2" strokeLinecap="round" strokeLinejoin="round" aria-hidden="true" focusable="false">
      <rect x="2" y="3" width="20" height="14" rx="2" />
      <path d="M8 21h8M12 17v4M7 8h10M7 12h6" />
    </svg>
  );
}
