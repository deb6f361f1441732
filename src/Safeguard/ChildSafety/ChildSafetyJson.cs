// SPDX-License-Identifier: Apache-2.0
using System.Text.Json;
using System.Text.Json.Serialization;
using Safeguard.ChildSafety.Behaviour;
using Safeguard.ChildSafety.Conversations;
using Safeguard.ChildSafety.Evaluation;
using Safeguard.ChildSafety.Policy;

namespace Safeguard.ChildSafety;

/// <summary>
/// Source-generated JSON for the child-safety wire types (camelCase, enums by their wire names, unknown members
/// rejected). The server and the CLI use it so that both read and write the same shapes.
/// </summary>
[JsonSourceGenerationOptions(
    JsonSerializerDefaults.Web,
    UnmappedMemberHandling = JsonUnmappedMemberHandling.Disallow,
    DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    WriteIndented = true)]
[JsonSerializable(typeof(ChildSafetyRequest))]
[JsonSerializable(typeof(ChildSafetyDecision))]
[JsonSerializable(typeof(ChildSafetyEvent))]
[JsonSerializable(typeof(List<ChildSafetyEvent>))]
[JsonSerializable(typeof(ChildSafetyEventResult))]
[JsonSerializable(typeof(GroomingCaseCandidate))]
[JsonSerializable(typeof(EvaluationConversation))]
[JsonSerializable(typeof(EvaluationReport))]
public sealed partial class ChildSafetyJsonContext : JsonSerializerContext;
