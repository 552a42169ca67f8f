using System.Globalization;
using System.Text;

namespace Cheeseshop.Core.Xmlrpc;

/// <summary>
/// Formats a double exactly as Python's <c>repr(float)</c>, which is what xmlrpc.client writes
/// inside <c>&lt;double&gt;</c>. Both runtimes produce the shortest digit string that round-trips;
/// only the layout differs, so we take .NET's digits and lay them out Python's way.
/// </summary>
internal static class PythonFloatFormat
{
    public static string Repr(double value)
    {
        if (double.IsNaN(value)) return "nan";
        if (double.IsPositiveInfinity(value)) return "inf";
        if (double.IsNegativeInfinity(value)) return "-inf";
        if (value == 0) return double.IsNegative(value) ? "-0.0" : "0.0";

        var (digits, decimalPoint) = ShortestDigits(Math.Abs(value));
        var result = new StringBuilder(32);
        if (value < 0) result.Append('-');

        // Python's float_repr_style "short" switches to exponent form outside 1e-4 <= |x| < 1e16.
        if (decimalPoint <= -4 || decimalPoint > 16)
        {
            result.Append(digits[0]);
            if (digits.Length > 1) result.Append('.').Append(digits, 1, digits.Length - 1);
            var exponent = decimalPoint - 1;
            result.Append('e').Append(exponent < 0 ? '-' : '+');
            result.Append(Math.Abs(exponent).ToString("00", CultureInfo.InvariantCulture));
        }
        else if (decimalPoint <= 0)
        {
            result.Append("0.").Append('0', -decimalPoint).Append(digits);
        }
        else if (decimalPoint >= digits.Length)
        {
            result.Append(digits).Append('0', decimalPoint - digits.Length).Append(".0");
        }
        else
        {
            result.Append(digits, 0, decimalPoint).Append('.').Append(digits, decimalPoint, digits.Length - decimalPoint);
        }

        return result.ToString();
    }

    /// <summary>
    /// Significant digits d1d2...dn and the decimal point position p with value = 0.d1d2...dn × 10^p
    /// (the convention of Python's dtoa), from .NET's shortest round-trip "R" text.
    /// </summary>
    private static (string Digits, int DecimalPoint) ShortestDigits(double positive)
    {
        var text = positive.ToString("R", CultureInfo.InvariantCulture);
        var exponent = 0;
        var e = text.IndexOfAny(['E', 'e']);
        if (e >= 0)
        {
            exponent = int.Parse(text.AsSpan(e + 1), NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture);
            text = text[..e];
        }

        var dot = text.IndexOf('.');
        var integerDigits = dot >= 0 ? dot : text.Length;
        var digits = dot >= 0 ? text.Remove(dot, 1) : text;

        var leadingZeros = 0;
        while (leadingZeros < digits.Length - 1 && digits[leadingZeros] == '0') leadingZeros++;
        digits = digits[leadingZeros..].TrimEnd('0');
        return (digits, integerDigits - leadingZeros + exponent);
    }
}
