using System.Globalization;
using System.Text;
using ConcertBooking.Domain.Common;

namespace ConcertBooking.Domain.Users;

/// <summary>
/// The one spelling of an email address an account is stored and matched under: trimmed, Unicode NFKC (so full-width
/// or ligature forms fold to their plain letters), lower case. Only plain ASCII addresses are accepted after that: a
/// Cyrillic 'а' looks like a Latin 'a', so allowing other scripts would let one person hold an account (or an admin
/// role) under an address that reads like another's. International domains are accepted in their <c>xn--</c> form.
/// </summary>
public static class EmailAddress
{
    public const int MaxLength = 254;

    private const int MaxLocalLength = 64;
    private const int MaxLabelLength = 63;
    private const string LocalSymbols = "!#$%&'*+/=?^_`{|}~.-";

    /// <summary>The normalised address, or throws a validation error naming what is wrong.</summary>
    public static string Normalize(string? input) =>
        TryNormalize(input, out var normalized, out var error) ? normalized : throw BookingErrors.Validation(error);

    public static bool TryNormalize(string? input, out string normalized, out string error)
    {
        normalized = string.Empty;
        error = Check(input, out var candidate) ?? string.Empty;
        if (error.Length > 0)
        {
            return false;
        }

        normalized = candidate;
        return true;
    }

    private static string? Check(string? input, out string normalized)
    {
        normalized = string.Empty;
        if (string.IsNullOrWhiteSpace(input))
        {
            return "email is required.";
        }

        var trimmed = input.Trim();

        // Checked before normalising: NFKC keeps zero-width and control characters, and a lone surrogate makes it throw.
        foreach (var c in trimmed)
        {
            var category = char.GetUnicodeCategory(c);
            if (category is UnicodeCategory.Control or UnicodeCategory.Format or UnicodeCategory.Surrogate
                or UnicodeCategory.OtherNotAssigned or UnicodeCategory.PrivateUse || char.IsWhiteSpace(c))
            {
                return "email must not contain spaces, control or invisible characters.";
            }
        }

        normalized = trimmed.Normalize(NormalizationForm.FormKC).ToLowerInvariant();
        if (normalized.Length > MaxLength)
        {
            return $"email must be at most {MaxLength} characters.";
        }

        if (!Ascii.IsValid(normalized))
        {
            return "email must be a plain ASCII address (an international domain in its xn-- form).";
        }

        var at = normalized.IndexOf('@', StringComparison.Ordinal);
        if (at < 0 || at != normalized.LastIndexOf('@'))
        {
            return "email must contain exactly one @.";
        }

        return LocalPartError(normalized[..at]) ?? DomainError(normalized[(at + 1)..]);
    }

    private static string? LocalPartError(string local) =>
        local.Length is 0 or > MaxLocalLength
            || local.StartsWith('.') || local.EndsWith('.') || local.Contains("..", StringComparison.Ordinal)
            || !local.All(c => char.IsAsciiLetterOrDigit(c) || LocalSymbols.Contains(c, StringComparison.Ordinal))
            ? "email has an invalid part before the @."
            : null;

    private static string? DomainError(string domain)
    {
        var labels = domain.Split('.');
        if (labels.Length < 2)
        {
            return "email needs a domain with a dot after the @.";
        }

        foreach (var label in labels)
        {
            if (label.Length is 0 or > MaxLabelLength || label.StartsWith('-') || label.EndsWith('-')
                || !label.All(c => char.IsAsciiLetterOrDigit(c) || c == '-'))
            {
                return "email has an invalid domain.";
            }
        }

        var top = labels[^1];
        return top.All(char.IsAsciiLetter) || top.StartsWith("xn--", StringComparison.Ordinal) ? null : "email has an invalid domain.";
    }
}
