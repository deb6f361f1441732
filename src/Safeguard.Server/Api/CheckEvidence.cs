// SPDX-License-Identifier: Apache-2.0
using System.Globalization;
using System.Net;
using System.Text.Json;
using Safeguard.Hosting.Checks;
using Safeguard.Reporting;

namespace Safeguard.Server.Api;

/// <summary>
/// The optional <c>user</c> and <c>upload</c> objects of a check: validated, and — when the check
/// matched and reporting is enabled — preserved encrypted in the evidence vault together with the
/// original bytes, so a confirmed case can be reported later. Nothing here is logged.
/// </summary>
internal static class CheckEvidence
{
    private const int MaxItems = 50;
    private const int MaxText = 256;
    private const string Actor = "check-intake";

    /// <summary>Parses a multipart text field holding JSON (<c>user</c> or <c>upload</c>).</summary>
    public static T? ParseField<T>(Dictionary<string, string> fields, string name, System.Text.Json.Serialization.Metadata.JsonTypeInfo<T> type, Dictionary<string, string[]> errors)
        where T : class
    {
        if (!fields.TryGetValue(name, out var text) || string.IsNullOrWhiteSpace(text))
        {
            return null;
        }
        try
        {
            return JsonSerializer.Deserialize(text, type);
        }
        catch (JsonException)
        {
            errors[name] = ["must be a JSON object of the documented fields (send it before the file part)"];
            return null;
        }
    }

    /// <summary>Checks the objects' sizes and values; adds to <paramref name="errors"/>.</summary>
    public static void Validate(CheckUserRequest? user, CheckUploadRequest? upload, string? userRef, Dictionary<string, string[]> errors)
    {
        if (user is not null)
        {
            if (string.IsNullOrEmpty(user.Id ?? userRef))
            {
                errors["user.id"] = ["required (or give userRef)"];
            }
            Text(errors, "user.id", user.Id);
            Text(errors, "user.screenName", user.ScreenName);
            Text(errors, "user.countryCode", user.CountryCode);
            List(errors, "user.displayNames", user.DisplayNames, s => IsText(s));
            List(errors, "user.profileUrls", user.ProfileUrls, s => IsText(s));
            List(errors, "user.emails", user.Emails, e => IsText(e.Address) && e.Address!.Contains('@', StringComparison.Ordinal));
            List(errors, "user.phones", user.Phones, p => IsText(p.Number) && (p.CountryCallingCode is null || IsText(p.CountryCallingCode)));
            List(errors, "user.ips", user.Ips, i => IPAddress.TryParse(i.Address, out _) && i.Port is null or (>= 0 and <= 65535) && (i.Event is null || TryEvent(i.Event, out _)));
            List(errors, "user.devices", user.Devices, d => IsText(d.IdType) && IsText(d.IdValue));
        }
        if (upload is not null)
        {
            if (upload.Ip is not null && !IPAddress.TryParse(upload.Ip, out _))
            {
                errors["upload.ip"] = ["must be an IPv4 or IPv6 address"];
            }
            if (upload.Port is < 0 or > 65535)
            {
                errors["upload.port"] = ["must be 0-65535"];
            }
            Text(errors, "upload.fileName", upload.FileName);
        }
    }

    /// <summary>Preserves what a matched check carried. Returns quietly when reporting is off or there is nothing to keep.</summary>
    public static void Preserve(HttpContext http, CheckOutcome outcome, string? contentRef, string? userRef, ReadOnlySpan<byte> original, CheckUserRequest? user, CheckUploadRequest? upload)
    {
        if (outcome.Decision == "allow" || http.RequestServices.GetService<ReportDesk>() is not { } desk)
        {
            return;
        }
        var index = desk.Evidence;
        if (user is not null && (user.Id ?? userRef) is { } userId)
        {
            index.PreserveUser(userRef ?? userId, ToReportedUser(user, userId), Actor);
        }
        if (contentRef is not null && !original.IsEmpty)
        {
            var h = outcome.Hashes;
            var hashes = new Dictionary<string, string>(StringComparer.Ordinal);
            void Add(string kind, string? value)
            {
                if (value is not null)
                {
                    hashes[kind] = value;
                }
            }
            Add("md5", h.Md5);
            Add("sha1", h.Sha1);
            Add("sha256", h.Sha256);
            Add("pdq", h.Pdq);
            var ip = upload?.Ip is { } address ? new IpCapture(address, upload.At, CaptureEvent.Upload, upload.Port) : null;
            index.PreserveItem(contentRef, userRef, original, hashes, upload?.At, ip, upload?.FileName, Actor);
        }
    }

    private static ReportedUser ToReportedUser(CheckUserRequest u, string id) => new()
    {
        EspIdentifier = id,
        ScreenName = u.ScreenName,
        DisplayNames = u.DisplayNames ?? [],
        ProfileUrls = u.ProfileUrls ?? [],
        Emails = [.. (u.Emails ?? []).Select(e => new EmailAddress(e.Address!, e.Verified))],
        Phones = [.. (u.Phones ?? []).Select(p => new PhoneNumber(p.Number!, p.CountryCallingCode, p.Verified))],
        IpCaptures = [.. (u.Ips ?? []).Select(i => new IpCapture(i.Address!, i.At, i.Event is { } e && TryEvent(e, out var ev) ? ev : CaptureEvent.Unknown, i.Port))],
        Devices = [.. (u.Devices ?? []).Select(d => new DeviceCapture(d.IdType!, d.IdValue!, null, d.At))],
        EstimatedCountryCode = u.CountryCode,
    };

    private static bool TryEvent(string text, out CaptureEvent value) =>
        Enum.TryParse(text, ignoreCase: true, out value) && Enum.IsDefined(value);

    private static bool IsText(string? s) => s is { Length: > 0 and <= MaxText } && !s.Any(char.IsControl);

    private static void Text(Dictionary<string, string[]> errors, string name, string? value)
    {
        if (value is not null && !IsText(value))
        {
            errors[name] = [string.Create(CultureInfo.InvariantCulture, $"1-{MaxText} printable characters")];
        }
    }

    private static void List<T>(Dictionary<string, string[]> errors, string name, IReadOnlyList<T>? items, Func<T, bool> valid)
    {
        if (items is null)
        {
            return;
        }
        if (items.Count > MaxItems)
        {
            errors[name] = [string.Create(CultureInfo.InvariantCulture, $"at most {MaxItems} items")];
            return;
        }
        for (int i = 0; i < items.Count; i++)
        {
            if (items[i] is null || !valid(items[i]))
            {
                errors[string.Create(CultureInfo.InvariantCulture, $"{name}[{i}]")] = ["is missing a required value or has one that is malformed"];
                return;
            }
        }
    }
}
