// Floats written as Go writes them (strconv.FormatFloat 'g' with the shortest digits that read
// back the same), so that YAML output matches go-yaml v2's byte for byte.

/** strconv.FormatFloat(value, 'g', -1, 32) as sigs.k8s.io/yaml applies it to float keys. */
export function formatGoFloatKey(value: number): string {
  return formatGoFloat(Math.fround(value), 32);
}

/**
 * strconv.FormatFloat(value, 'g', -1, bits), with go-yaml's ".inf", "-.inf" and ".nan": the
 * shortest digits that read back as the same value, in exponent form when the exponent is below -4
 * or at least 6 ("1e+06", "1.2345675e+06", "1e-05").
 */
export function formatGoFloat(value: number, bits: 32 | 64): string {
  if (Number.isNaN(value)) return '.nan';
  if (value === Number.POSITIVE_INFINITY) return '.inf';
  if (value === Number.NEGATIVE_INFINITY) return '-.inf';
  if (value === 0) return Object.is(value, -0) ? '-0' : '0';
  const sign = value < 0 ? '-' : '';
  const { digits, exponent } = bits === 32 ? shortestFloat32Digits(Math.abs(value)) : shortestFloat64Digits(Math.abs(value));
  if (exponent < -4 || exponent >= 6) {
    const mantissa = digits.length > 1 ? `${digits[0]}.${digits.slice(1)}` : digits;
    const magnitude = Math.abs(exponent);
    return `${sign}${mantissa}e${exponent < 0 ? '-' : '+'}${magnitude < 10 ? '0' : ''}${magnitude}`;
  }
  if (exponent < 0) return `${sign}0.${'0'.repeat(-exponent - 1)}${digits}`;
  const integerPart = digits.slice(0, exponent + 1).padEnd(exponent + 1, '0');
  const fraction = digits.slice(exponent + 1);
  return `${sign}${integerPart}${fraction === '' ? '' : `.${fraction}`}`;
}

/** JavaScript's own shortest round-trip digits (closest, even on a tie: the same choice as Go's). */
function shortestFloat64Digits(value: number): { digits: string; exponent: number } {
  const [mantissa, exp] = value.toExponential().split('e') as [string, string];
  return { digits: mantissa.replace('.', ''), exponent: Number(exp) };
}

/**
 * The fewest significant digits that read back as the same float32 (as Go's shortest formatting
 * finds them): among the candidates of that length, the closest to the value, an even last digit
 * on a tie. Distances are compared exactly.
 */
function shortestFloat32Digits(value: number): { digits: string; exponent: number } {
  if (Math.fround(value) !== value) throw new Error(`${value} is not a float32`);
  const exact = exactBinary(value);
  for (let precision = 1; precision <= 9; precision++) {
    const [mantissa, exp] = value.toExponential(precision - 1).split('e') as [string, string];
    const rounded = Number(mantissa.replace('.', ''));
    const exponent = Number(exp);
    const scale = exponent - precision + 1;
    let best: { candidate: number; distance: bigint } | undefined;
    for (const candidate of [rounded - 1, rounded, rounded + 1]) {
      if (String(candidate).length !== precision || Math.fround(Number(`${candidate}e${scale}`)) !== value) continue;
      const distance = decimalDistance(candidate, scale, exact);
      if (best === undefined || distance < best.distance || (distance === best.distance && candidate % 2 === 0)) best = { candidate, distance };
    }
    if (best !== undefined) return { digits: String(best.candidate).replace(/0+$/, '') || '0', exponent };
  }
  throw new Error(`no float32 digits for ${value}`);
}

/** value = mantissa * 2^exponent exactly (value > 0 and finite). */
function exactBinary(value: number): { mantissa: bigint; exponent: number } {
  const view = new DataView(new ArrayBuffer(8));
  view.setFloat64(0, value);
  const high = view.getUint32(0);
  const biased = (high >>> 20) & 0x7ff;
  const fraction = (BigInt(high & 0xfffff) << 32n) | BigInt(view.getUint32(4));
  return biased === 0 ? { mantissa: fraction, exponent: -1074 } : { mantissa: fraction | (1n << 52n), exponent: biased - 1075 };
}

/** |digits * 10^scale - value|, multiplied by a factor that depends only on scale and value. */
function decimalDistance(digits: number, scale: number, value: { mantissa: bigint; exponent: number }): bigint {
  const decimal = BigInt(digits) * 10n ** BigInt(Math.max(scale, 0)) * 2n ** BigInt(Math.max(-value.exponent, 0));
  const binary = value.mantissa * 2n ** BigInt(Math.max(value.exponent, 0)) * 10n ** BigInt(Math.max(-scale, 0));
  return decimal > binary ? decimal - binary : binary - decimal;
}
