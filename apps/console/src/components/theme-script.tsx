/**
 * Runs before first paint so the page never flashes the wrong theme: a stored choice wins,
 * otherwise the OS setting (prefers-color-scheme) decides.
 */
const SCRIPT = `(function(){try{var t=localStorage.getItem("sy-theme");var d=t?t==="dark":matchMedia("(prefers-color-scheme: dark)").matches;document.documentElement.classList.toggle("dark",d);}catch(e){}})();`;

export function ThemeScript() {
  return <script dangerouslySetInnerHTML={{ __html: SCRIPT }} />;
}
