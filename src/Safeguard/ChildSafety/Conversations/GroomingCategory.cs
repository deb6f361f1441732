// SPDX-License-Identifier: Apache-2.0
using System.Text.Json.Serialization;

namespace Safeguard.ChildSafety.Conversations;

/// <summary>The strategy categories of grooming spec section 2. Wire names are the spec's codes.</summary>
[JsonConverter(typeof(StrictEnumConverter<GroomingCategory>))]
public enum GroomingCategory
{
    [JsonStringEnumMemberName("age_probe")] AgeProbe,
    [JsonStringEnumMemberName("trust_flattery")] TrustFlattery,
    [JsonStringEnumMemberName("gift_offer")] GiftOffer,
    [JsonStringEnumMemberName("secrecy_isolation")] SecrecyIsolation,
    [JsonStringEnumMemberName("platform_move")] PlatformMove,
    [JsonStringEnumMemberName("image_request")] ImageRequest,
    [JsonStringEnumMemberName("meeting_location")] MeetingLocation,
    [JsonStringEnumMemberName("adult_presence_check")] AdultPresenceCheck,
    [JsonStringEnumMemberName("compliance_test")] ComplianceTest,
    [JsonStringEnumMemberName("coercion")] Coercion,
}

public static class GroomingCategories
{
    public static IReadOnlyList<GroomingCategory> All { get; } = Enum.GetValues<GroomingCategory>();

    public static string Code(this GroomingCategory category) => category switch
    {
        GroomingCategory.AgeProbe => "age_probe",
        GroomingCategory.TrustFlattery => "trust_flattery",
        GroomingCategory.GiftOffer => "gift_offer",
        GroomingCategory.SecrecyIsolation => "secrecy_isolation",
        GroomingCategory.PlatformMove => "platform_move",
        GroomingCategory.ImageRequest => "image_request",
        GroomingCategory.MeetingLocation => "meeting_location",
        GroomingCategory.AdultPresenceCheck => "adult_presence_check",
        GroomingCategory.ComplianceTest => "compliance_test",
        GroomingCategory.Coercion => "coercion",
        _ => throw new ArgumentOutOfRangeException(nameof(category)),
    };

    public static bool TryParse(string code, out GroomingCategory category)
    {
        foreach (var c in All)
        {
            if (string.Equals(c.Code(), code, StringComparison.Ordinal))
            {
                category = c;
                return true;
            }
        }
        category = default;
        return false;
    }
}

/// <summary>Which view of the text a phrase matched in, strictest first (keywords spec C.1).</summary>
[JsonConverter(typeof(StrictEnumConverter<MatchView>))]
public enum MatchView
{
    [JsonStringEnumMemberName("base")] Base = 0,
    [JsonStringEnumMemberName("leet")] Leet = 1,
    [JsonStringEnumMemberName("collapsed")] Collapsed = 2,
    [JsonStringEnumMemberName("squeezed")] Squeezed = 3,
    [JsonStringEnumMemberName("semantic")] Semantic = 4,
}

/// <summary>One detector hit: the category, the message, and the span in the message's original text.</summary>
/// <param name="Category">The strategy category.</param>
/// <param name="MessageId">The platform's message id.</param>
/// <param name="Start">Start of the span in the message's original text (UTF-16 code units).</param>
/// <param name="Length">Length of the span in the original text.</param>
/// <param name="Detector">"phrase", "extractor:phone", "extractor:email" or "embedding".</param>
/// <param name="RuleId">The lexicon pattern id, or the curated example's id for the embedding scorer.</param>
/// <param name="View">The loosest text view the match needed.</param>
/// <param name="Confidence">1 for phrase and extractor hits; the similarity for embedding hits.</param>
public sealed record CategoryHit(
    GroomingCategory Category,
    string MessageId,
    int Start,
    int Length,
    string Detector,
    string RuleId,
    MatchView View,
    double Confidence = 1.0);
