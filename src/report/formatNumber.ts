/**
 * How index.html shows a number: integers in full, other finite numbers to `digits` significant
 * digits (exponent form below 1e-4 or from 1e6 up), and NaN / Infinity / -Infinity by name.
 * report.json keeps full precision; this is display only.
 */
export function formatNumber(x: number, digits = 5): string {
  if (Number.isNaN(x)) return "NaN";
  if (x === Infinity) return "Infinity";
  if (x === -Infinity) return "-Infinity";
  if (Number.isInteger(x) && Math.abs(x) < 1e15) return String(x);
  const a = Math.abs(x);
  if (a !== 0 && (a < 1e-4 || a >= 1e6)) {
    const [mant, exp] = x.toExponential(digits - 1).split("e");
    return `${mant.replace(/\.?0+$/, "")}e${exp}`;
  }
  return String(Number(x.toPrecision(digits)));
}
