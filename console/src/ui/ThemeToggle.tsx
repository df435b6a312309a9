import { useState } from "react";
import { Button } from "./Button";
import { IconAuto, IconMoon, IconSun } from "./icons";
import { NEXT_THEME, applyTheme, storedTheme } from "./theme";
import type { ThemeChoice } from "./theme";

const LABEL: Record<ThemeChoice, string> = { system: "system", light: "light", dark: "dark" };

export function ThemeToggle() {
  const [choice, setChoice] = useState<ThemeChoice>(storedTheme);
  const next = NEXT_THEME[choice];
  const icon = choice === "light" ? <IconSun /> : choice === "dark" ? <IconMoon /> : <IconAuto />;
  return (
    <Button
      variant="ghost"
      icon={icon}
      aria-label={`Theme: ${LABEL[choice]}. Switch to ${LABEL[next]}`}
      title={`Theme: ${LABEL[choice]}`}
      data-testid="theme-toggle"
      onClick={() => {
        applyTheme(next);
        setChoice(next);
      }}
    />
  );
}
