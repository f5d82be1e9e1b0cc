// The window's settings, as every client keeps them: the types, the one theme list and the one schema a
// settings change is checked with (over IPC, in the browser's store and in the desktop's settings file).
import { z } from 'zod';

export const THEMES = ['light', 'dark', 'system'] as const;
export type Theme = (typeof THEMES)[number];

export const themeSchema = z.enum(THEMES, { error: 'must be light, dark or system' });

export interface ClientSettings {
  /** https://… (or http:// to a loopback address); null before first start. */
  serverUrl: string | null;
  /** PEM of an extra certificate authority to trust for a self-hosted server. */
  caCertificatePem: string | null;
  lastUsername: string | null;
  theme: Theme;
  /** Settings only the desktop app has; null in the browser. */
  desktop: DesktopSettings | null;
}

export interface DesktopSettings {
  staySignedIn: boolean;
  /** False where no OS keychain is reachable; then staySignedIn cannot be turned on. */
  keychainAvailable: boolean;
  keychainDetail: string | null;
  notifications: boolean;
  notificationContent: boolean;
}

export const settingsUpdateSchema = z.strictObject({
  theme: themeSchema.optional(),
  staySignedIn: z.boolean({ error: 'must be true or false' }).optional(),
  notifications: z.boolean({ error: 'must be true or false' }).optional(),
  notificationContent: z.boolean({ error: 'must be true or false' }).optional(),
});

export type SettingsUpdate = z.infer<typeof settingsUpdateSchema>;

export interface ServerChoice {
  serverUrl: string;
  caCertificatePem: string | null;
}
