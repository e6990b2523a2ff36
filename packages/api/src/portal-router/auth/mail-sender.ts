/** Where portal e-mail goes: verification and password-reset links. */
export interface MailSender {
  send(mail: { to: string; subject: string; text: string; link: string }): Promise<void>;
}

/** Development sender: the mail (and its link) is written to the control plane's log. */
export function logMailSender(log: (line: string) => void = (line) => console.log(line)): MailSender {
  return {
    async send(mail) {
      log(`[portal-mail] to=${mail.to} subject="${mail.subject}" link=${mail.link}`);
    },
  };
}

interface PortalMailSettings {
  sender: MailSender;
  /** The console's public URL; links point at its /portal pages. */
  portalUrl: string;
}

let settings: PortalMailSettings = { sender: logMailSender(), portalUrl: "http://127.0.0.1:3000" };

/** Called once by the control plane at start (a real sender, the console's public URL). */
export function configurePortalMail(next: Partial<PortalMailSettings>): void {
  settings = { ...settings, ...next };
}

export function portalMail(): PortalMailSettings {
  return settings;
}
