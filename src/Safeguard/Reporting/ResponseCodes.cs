// SPDX-License-Identifier: Apache-2.0
namespace Safeguard.Reporting;

/// <summary>What the sender does after a CyberTipline response (specs/ncmec-cybertipline.md §5).</summary>
public enum ResponseDisposition
{
    /// <summary>Code 0: go on.</summary>
    Continue,

    /// <summary>A transient server failure: retry the same step with backoff.</summary>
    Retry,

    /// <summary>The request itself is wrong (4000, 4100, 4110, 4200): do not retry as-is; a person must fix the draft.</summary>
    Fix,

    /// <summary>Credentials, role or a missing resource (1210, 2000, 3xxx, unknown codes): stop and alert.</summary>
    Stop,

    /// <summary>5001: the report no longer exists (abandoned or deleted): start a new report.</summary>
    Restart,

    /// <summary>5002: the file does not exist: upload it again within the same report.</summary>
    Reupload,

    /// <summary>5101: already retracted.</summary>
    AlreadyRetracted,

    /// <summary>5102: already finished: take it as filed; never resubmit.</summary>
    AlreadyFinished,
}

/// <summary>Maps CyberTipline response codes and HTTP statuses to a <see cref="ResponseDisposition"/>.</summary>
public static class ResponseCodes
{
    public static ResponseDisposition Classify(CyberTiplineResponse response)
    {
        ArgumentNullException.ThrowIfNull(response);
        if (response.ResponseCode is { } code)
        {
            return Classify(code);
        }
        // No parsable body: judge by the HTTP status alone.
        return response.HttpStatus switch
        {
            >= 200 and < 300 => ResponseDisposition.Stop, // success status with no code is not a response we understand
            401 or 403 => ResponseDisposition.Stop,
            408 or 429 or >= 500 => ResponseDisposition.Retry,
            _ => ResponseDisposition.Fix,
        };
    }

    public static ResponseDisposition Classify(int code) => code switch
    {
        0 => ResponseDisposition.Continue,
        1000 or 1100 or 1110 or 1111 or 1300 => ResponseDisposition.Retry,
        4000 or 4100 or 4110 or 4200 => ResponseDisposition.Fix,
        5001 => ResponseDisposition.Restart,
        5002 => ResponseDisposition.Reupload,
        5101 => ResponseDisposition.AlreadyRetracted,
        5102 => ResponseDisposition.AlreadyFinished,
        _ => ResponseDisposition.Stop, // 1210, 2000, 3000, 3100, 3300 and anything undocumented
    };
}
