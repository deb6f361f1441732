// SPDX-License-Identifier: Apache-2.0
using System.Text.Json.Serialization;

namespace Safeguard.ChildSafety;

/// <summary>An account's age band as the platform knows it. <see cref="Unknown"/> is the default and is treated protectively.</summary>
[JsonConverter(typeof(StrictEnumConverter<AgeBand>))]
public enum AgeBand
{
    [JsonStringEnumMemberName("unknown")] Unknown = 0,
    [JsonStringEnumMemberName("under13")] Under13 = 1,
    [JsonStringEnumMemberName("13-15")] Age13To15 = 2,
    [JsonStringEnumMemberName("16-17")] Age16To17 = 3,
    [JsonStringEnumMemberName("adult")] Adult = 4,
}

/// <summary>How the platform established an age band, weakest first.</summary>
[JsonConverter(typeof(StrictEnumConverter<AgeAssurance>))]
public enum AgeAssurance
{
    [JsonStringEnumMemberName("none")] None = 0,
    [JsonStringEnumMemberName("declared")] Declared = 1,
    [JsonStringEnumMemberName("estimated")] Estimated = 2,
    [JsonStringEnumMemberName("verified")] Verified = 3,
}

/// <summary>One account as a request or event names it.</summary>
public sealed record ChildSafetyAccount
{
    /// <summary>The platform's opaque account id. Never logged.</summary>
    public required string Id { get; init; }

    public AgeBand AgeBand { get; init; }

    public AgeAssurance AgeAssurance { get; init; }
}

public static class AgeBandExtensions
{
    /// <summary>True for the three child bands; <see cref="AgeBand.Unknown"/> is not a known minor.</summary>
    public static bool IsMinor(this AgeBand band) => band is AgeBand.Under13 or AgeBand.Age13To15 or AgeBand.Age16To17;

    /// <summary>The wire name ("under13", "13-15", …), as used in JSON and explanations.</summary>
    public static string WireName(this AgeBand band) => band switch
    {
        AgeBand.Under13 => "under13",
        AgeBand.Age13To15 => "13-15",
        AgeBand.Age16To17 => "16-17",
        AgeBand.Adult => "adult",
        _ => "unknown",
    };

    /// <summary>Distance between two known bands (under13 = 0 … adult = 3); null when either is unknown.</summary>
    public static int? BandGap(AgeBand a, AgeBand b) =>
        a == AgeBand.Unknown || b == AgeBand.Unknown ? null : Math.Abs((int)a - (int)b);
}

/// <summary>
/// String-only enum converter: integers are rejected so that a number can never smuggle in an undefined enum value.
/// </summary>
public sealed class StrictEnumConverter<TEnum> : JsonStringEnumConverter<TEnum>
    where TEnum : struct, Enum
{
    public StrictEnumConverter()
        : base(namingPolicy: null, allowIntegerValues: false)
    {
    }
}
