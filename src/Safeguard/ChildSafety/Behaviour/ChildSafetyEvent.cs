// SPDX-License-Identifier: Apache-2.0
using System.Text.Json.Serialization;

namespace Safeguard.ChildSafety.Behaviour;

/// <summary>What happened. For answers, blocks and reports the actor is the account that answered, blocked or reported.</summary>
[JsonConverter(typeof(StrictEnumConverter<ChildSafetyEventType>))]
public enum ChildSafetyEventType
{
    [JsonStringEnumMemberName("account-created")] AccountCreated = 1,
    [JsonStringEnumMemberName("profile-changed")] ProfileChanged = 2,
    [JsonStringEnumMemberName("friend-request")] FriendRequest = 3,
    [JsonStringEnumMemberName("friend-request-accepted")] FriendRequestAccepted = 4,
    [JsonStringEnumMemberName("friend-request-rejected")] FriendRequestRejected = 5,
    [JsonStringEnumMemberName("message-sent")] MessageSent = 6,
    [JsonStringEnumMemberName("block")] Block = 7,
    [JsonStringEnumMemberName("report")] Report = 8,
}

/// <summary>Where a message was sent.</summary>
[JsonConverter(typeof(StrictEnumConverter<MessageChannel>))]
public enum MessageChannel
{
    [JsonStringEnumMemberName("private")] Private = 0,
    [JsonStringEnumMemberName("public")] Public = 1,
    [JsonStringEnumMemberName("group")] Group = 2,
}

/// <summary>One item of <c>POST /v1/events</c>.</summary>
public sealed record ChildSafetyEvent
{
    public required ChildSafetyEventType Type { get; init; }

    public required DateTimeOffset Time { get; init; }

    public required ChildSafetyAccount Actor { get; init; }

    /// <summary>The other account; absent for account-created and profile-changed.</summary>
    public ChildSafetyAccount? Target { get; init; }

    /// <summary>The target's UTC offset at the time of the event, for "night in the child's time zone".</summary>
    public int? TargetUtcOffsetMinutes { get; init; }

    public bool Connected { get; init; }

    public MessageChannel Channel { get; init; }

    /// <summary>For message-sent: the conversation; when absent, the pair of account ids.</summary>
    public string? ConversationId { get; init; }

    public string? MessageId { get; init; }

    /// <summary>For message-sent: the text, scanned and then kept only as the privacy rules allow.</summary>
    public string? Text { get; init; }

    /// <summary>For message-sent: the separate content classifier's yes/no for sexualised language.</summary>
    public bool Sexualised { get; init; }
}

/// <summary>A behaviour signal about one account, with the figures behind it and a plain explanation.</summary>
public sealed record BehaviourSignal(string Code, string AccountId, double Value, double Threshold, string Window, string Explanation);
