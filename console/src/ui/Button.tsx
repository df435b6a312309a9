import type { ButtonHTMLAttributes, ReactNode } from "react";

export type ButtonVariant = "default" | "primary" | "danger" | "ghost";

export interface ButtonProps extends ButtonHTMLAttributes<HTMLButtonElement> {
  variant?: ButtonVariant;
  size?: "normal" | "small";
  icon?: ReactNode;
  /** Shows a spinner and disables the button while a request runs. */
  busy?: boolean;
}

export function Button({ variant = "default", size = "normal", icon, busy, className, children, disabled, type, ...rest }: ButtonProps) {
  const classes = ["btn"];
  if (variant !== "default") classes.push(`btn-${variant}`);
  if (size === "small") classes.push("btn-small");
  if (!children && icon) classes.push("btn-icon");
  if (className) classes.push(className);
  return (
    <button type={type ?? "button"} className={classes.join(" ")} disabled={disabled || busy} aria-busy={busy || undefined} {...rest}>
      {busy ? <span className="spinner" aria-hidden="true" /> : icon}
      {children}
    </button>
  );
}
