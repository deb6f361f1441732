// SPDX-License-Identifier: Apache-2.0
using System.Text.Json;
using System.Text.Json.Serialization;

namespace Safeguard.Server.Api;

/// <summary><c>POST /v1/banks</c>. <c>action</c> <c>allow</c> makes an allow-list bank; <c>kind</c> is hash (default), url or keyword; <c>shadow</c> records matches without acting on them.</summary>
public sealed record CreateBankRequest(string? Name, string? Description, string? Source, string? Category, int? Radius, string? Action, bool? Enabled, bool? Shadow = null, string? Kind = null);

/// <summary><c>PATCH /v1/banks/{name}</c>: absent fields keep their value.</summary>
public sealed record UpdateBankRequest(string? Description, string? Source, string? Category, int? Radius, string? Action, bool? Enabled, bool? Shadow = null);

/// <summary>A bank.</summary>
public sealed record BankResponse(string Name, string? Description, string Source, string Category, int Radius, bool Enabled, string Action,
    DateTimeOffset CreatedAt, DateTimeOffset UpdatedAt, long? Entries, string Kind, bool Shadow = false);

/// <summary><c>GET /v1/banks</c>.</summary>
public sealed record BankListResponse(IReadOnlyList<BankResponse> Banks);

/// <summary><c>POST /v1/banks/{name}/entries</c>.</summary>
public sealed record AddEntryRequest(string? Kind, string? Value, string? ExternalId, IReadOnlyList<string>? Labels, string? Note);

/// <summary><c>POST /v1/banks/{name}/entries/{id}/disable</c>.</summary>
public sealed record DisableEntryRequest(DateTimeOffset? Until);

/// <summary>An entry.</summary>
public sealed record EntryResponse(long Id, string Bank, string Kind, string Value, string? ExternalId, IReadOnlyList<string> Labels, string? Note,
    string AddedBy, DateTimeOffset AddedAt, DateTimeOffset? DisabledUntil, bool Deleted);

/// <summary>A page of entries; pass <see cref="Next"/> as <c>after</c> for the next page.</summary>
public sealed record EntryPageResponse(IReadOnlyList<EntryResponse> Entries, long? Next);

/// <summary>One line of an import's progress stream (<c>application/x-ndjson</c>).</summary>
public sealed record ImportProgress(string Event, long Committed, long Total, string? Format);

/// <summary>Hashes sent with a JSON check.</summary>
public sealed record CheckHashesRequest(string? Pdq, string? Md5, string? Sha1, string? Sha256);

/// <summary><c>POST /v1/check</c> with JSON.</summary>
/// <param name="Hashes">The content's hashes.</param>
/// <param name="ContentRef">The platform's reference to the content.</param>
/// <param name="UserRef">The platform's reference to the user who posted it.</param>
/// <param name="User">Optional details of that user for an authority report; kept encrypted in the evidence vault when the check matches, never logged.</param>
/// <param name="Upload">Optional facts of the upload (time, IP, port, file name), kept the same way.</param>
public sealed record CheckRequest(CheckHashesRequest? Hashes, string? ContentRef, string? UserRef, CheckUserRequest? User = null, CheckUploadRequest? Upload = null);

/// <summary>The reported user's details, as the platform knows them (NCMEC <c>reportedPerson</c>, NCA Schedule 1 account details).</summary>
public sealed record CheckUserRequest(
    string? Id,
    string? ScreenName,
    IReadOnlyList<string>? DisplayNames,
    IReadOnlyList<string>? ProfileUrls,
    IReadOnlyList<CheckUserEmail>? Emails,
    IReadOnlyList<CheckUserPhone>? Phones,
    IReadOnlyList<CheckUserIp>? Ips,
    IReadOnlyList<CheckUserDevice>? Devices,
    string? CountryCode);

/// <summary>An email address of the user.</summary>
public sealed record CheckUserEmail(string? Address, bool? Verified);

/// <summary>A phone number of the user; the country calling code like "+44" apart.</summary>
public sealed record CheckUserPhone(string? Number, string? CountryCallingCode, bool? Verified);

/// <summary>An IP address the user was seen at; event is login, registration, purchase, upload or other.</summary>
public sealed record CheckUserIp(string? Address, DateTimeOffset? At, string? Event, int? Port);

/// <summary>A device id of the user (IMEI, advertising id, …).</summary>
public sealed record CheckUserDevice(string? IdType, string? IdValue, DateTimeOffset? At);

/// <summary>How the content was uploaded.</summary>
public sealed record CheckUploadRequest(DateTimeOffset? At, string? Ip, int? Port, string? FileName);

/// <summary>The hashes a check used.</summary>
public sealed record CheckHashesResponse(string? Pdq, int? PdqQuality, string? Md5, string? Sha1, string? Sha256);

/// <summary>One match. Callers with only the <c>check</c> scope get the bank and action alone (unless configured otherwise).</summary>
public sealed record CheckMatchResponse(string Bank, string Action, long? EntryId, string? Kind, int? Distance, IReadOnlyList<string>? Labels, string? ExternalId,
    int? Start = null, int? End = null);

/// <summary>The answer to a check.</summary>
public sealed record CheckResponse(string Decision, CheckHashesResponse Hashes, IReadOnlyList<CheckMatchResponse> Matches, long? CheckId);

/// <summary>A check that matched, as recorded.</summary>
public sealed record RecordedCheckResponse(long Id, DateTimeOffset CheckedAt, long KeyId, string? ContentRef, string? UserRef, CheckHashesResponse Hashes,
    string Decision, IReadOnlyList<CheckMatchResponse> Matches, string? Input = null, string? Context = null, string? Text = null);

/// <summary><c>POST /v1/check/text</c>.</summary>
public sealed record TextCheckRequest(string? Text, string? Context, string? ContentRef, string? UserRef);

/// <summary>
/// One list entry found in the text. Everyone sees kind, bank, category, action and the span;
/// callers with only the <c>check</c> scope see nothing about the entry itself (unless configured).
/// </summary>
public sealed record TextHitResponse(string Kind, string Bank, string Category, string Action, int Start, int End,
    long? EntryId, string? EntryKind, IReadOnlyList<string>? Labels, string? ExternalId);

/// <summary>The answer to a text check.</summary>
public sealed record TextCheckResponse(string Decision, IReadOnlyList<TextHitResponse> Hits, long? CheckId);

/// <summary><c>POST /v1/events</c>: one outcome per event, in order.</summary>
public sealed record ChildSafetyEventsResponse(IReadOnlyList<Safeguard.Hosting.ChildSafety.ChildSafetyEventOutcome> Results);

/// <summary><c>GET /v1/checks</c>.</summary>
public sealed record RecordedCheckPageResponse(IReadOnlyList<RecordedCheckResponse> Checks, long? Next);

/// <summary><c>GET /v1/audit/verify</c>.</summary>
public sealed record AuditVerifyResponse(bool Valid, string Fault, long Sequence, long EntriesChecked, string Head);

/// <summary><c>GET /health</c> and <c>GET /ready</c>.</summary>
public sealed record HealthResponse(string Status, bool? IndexLoaded, bool? DatabaseReachable, long? IndexEntries, long? ChangeId);

/// <summary>A report in a list.</summary>
public sealed record ReportSummaryResponse(string Key, string CaseId, DateTimeOffset CreatedAt, string IncidentType, string Priority, int Files, bool TextOnly,
    bool SendToNcmec, string NcmecStatus, long? NcmecReportId, string? Problem, string NcaRoute, bool NcaPackageSent, string? NcaReference);

/// <summary><c>GET /v1/reports</c>.</summary>
public sealed record ReportListResponse(IReadOnlyList<ReportSummaryResponse> Reports);

/// <summary>Where a report goes, and why.</summary>
public sealed record ReportRoutingResponse(bool SendToNcmec, string Nca, bool CallEmergencyServicesNow, IReadOnlyList<string> Reasons);

/// <summary>NCMEC's receipt: the raw <c>/finish</c> answer kept write-once.</summary>
public sealed record ReportReceiptResponse(long ReportId, IReadOnlyList<string> FileIds, string Exchange, string Xml);

/// <summary>One journal step.</summary>
public sealed record ReportEventResponse(DateTimeOffset At, string Type, int Attempt, long? ReportId, int? Code, string? Detail, string? Actor);

/// <summary><c>GET /v1/reports/{key}</c>.</summary>
public sealed record ReportDetailResponse(ReportSummaryResponse Report, ReportRoutingResponse Routing, ReportReceiptResponse? Receipt, DateTimeOffset? OpenUntil, IReadOnlyList<ReportEventResponse> Journal);

/// <summary><c>GET /v1/reports/{key}/preview</c>: the report XML as it would be submitted, checked against the CyberTipline schema.</summary>
public sealed record ReportPreviewResponse(string Xml, bool Validated, IReadOnlyList<string> Errors, string? Note);

/// <summary>UK-link evidence captured by the reviewer (Online Safety Act s.70(6)).</summary>
public sealed record UkLinkRequest(bool? ContentPublishedInUk, bool? SuspectUkNational, bool? SuspectInUk, bool? VictimInUk);

/// <summary><c>POST /v1/reports</c>: draft one report from confirmed cases about one user.</summary>
public sealed record DraftReportRequest(IReadOnlyList<long>? CaseIds, string? Priority, string? EscalationReason, string? IncidentType, UkLinkRequest? UkLink, string? AdditionalInfo);

/// <summary><c>POST /v1/reports/{key}/send</c>.</summary>
public sealed record SendReportResponse(string Key, string? NcmecStatus, long? NcmecReportId, string? Problem, IReadOnlyList<string> ValidationErrors, string Nca, string? NcaDetail);

/// <summary><c>POST /v1/reports/{key}/retract</c>.</summary>
public sealed record RetractReportRequest(string? Reason);

/// <summary><c>POST /v1/reports/{key}/nca-reference</c>: the reference the NCA portal returned.</summary>
public sealed record NcaReferenceRequest(string? Reference, DateTimeOffset? IssuedAt);

/// <summary>An evidence vault object (metadata only).</summary>
public sealed record EvidenceObjectResponse(string Id, string Kind, DateTimeOffset CreatedAt, long Length, DateTimeOffset? RetainUntil, int Holds, bool Deleted);

/// <summary><c>GET /v1/evidence/expired</c>: deletion proposals awaiting approval.</summary>
public sealed record EvidenceListResponse(IReadOnlyList<EvidenceObjectResponse> Objects);
/// <summary><c>POST /v1/transparency/verify</c>: whether the bundle verified, and the record or figure at fault.</summary>
public sealed record BundleVerifyResponse(bool Verified, string Message, long? RecordSequence, long? RecordRangeStart, string? FigureId);

/// <summary>
/// <c>POST /v1/appeals</c>. The item is <see cref="ItemId"/> as records name it, or the item of recorded check <see cref="CheckId"/>.
/// <see cref="Stage"/>: lodged, upheld (the decision stands) or reversed (overturned).
/// </summary>
public sealed record AppealRequest(string? AppealId, string? Stage, string? ItemId, long? CheckId, string? ActionId, bool? AboutProactiveTech, string? Detector, DateTimeOffset? OccurredAt);

/// <summary>The appeal's record sequence and the item it was recorded against.</summary>
public sealed record AppealResponse(long Sequence, string? ItemId);

/// <summary>Source-generated JSON for every wire type.</summary>
[JsonSourceGenerationOptions(JsonSerializerDefaults.Web,
    DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    UnmappedMemberHandling = JsonUnmappedMemberHandling.Disallow)]
[JsonSerializable(typeof(CreateBankRequest))]
[JsonSerializable(typeof(UpdateBankRequest))]
[JsonSerializable(typeof(BankResponse))]
[JsonSerializable(typeof(BankListResponse))]
[JsonSerializable(typeof(AddEntryRequest))]
[JsonSerializable(typeof(DisableEntryRequest))]
[JsonSerializable(typeof(EntryResponse))]
[JsonSerializable(typeof(EntryPageResponse))]
[JsonSerializable(typeof(ImportProgress))]
[JsonSerializable(typeof(CheckRequest))]
[JsonSerializable(typeof(CheckResponse))]
[JsonSerializable(typeof(RecordedCheckPageResponse))]
[JsonSerializable(typeof(AuditVerifyResponse))]
[JsonSerializable(typeof(TextCheckRequest))]
[JsonSerializable(typeof(TextCheckResponse))]
[JsonSerializable(typeof(ChildSafetyEventsResponse))]
[JsonSerializable(typeof(HealthResponse))]
[JsonSerializable(typeof(CheckUserRequest))]
[JsonSerializable(typeof(CheckUploadRequest))]
[JsonSerializable(typeof(ReportListResponse))]
[JsonSerializable(typeof(ReportDetailResponse))]
[JsonSerializable(typeof(ReportPreviewResponse))]
[JsonSerializable(typeof(DraftReportRequest))]
[JsonSerializable(typeof(SendReportResponse))]
[JsonSerializable(typeof(RetractReportRequest))]
[JsonSerializable(typeof(NcaReferenceRequest))]
[JsonSerializable(typeof(EvidenceListResponse))]
[JsonSerializable(typeof(EvidenceObjectResponse))]
[JsonSerializable(typeof(BundleVerifyResponse))]
[JsonSerializable(typeof(AppealRequest))]
[JsonSerializable(typeof(AppealResponse))]
public sealed partial class ApiJsonContext : JsonSerializerContext;
