import { LOCALES, toLocale } from '../../shared/localized';
import type { Locale } from '../../shared/localized';

export function LocaleSwitcher({ value, onChange }: { value: Locale; onChange: (locale: Locale) => void }) {
  return (
    <label>
      Language
      <select data-testid="locale-switcher" value={value} onChange={(event) => onChange(toLocale(event.target.value))}>
        {LOCALES.map(({ code, label }) => (
          <option key={code} value={code}>
            {label}
          </option>
        ))}
      </select>
    </label>
  );
}
