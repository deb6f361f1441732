// SPDX-License-Identifier: Apache-2.0
using Microsoft.Extensions.Hosting;
using Safeguard.ChildSafety;

namespace Safeguard.Hosting.ChildSafety;

/// <summary>
/// Applies the conversation privacy windows on a timer: text of unflagged conversations older than
/// the window, and flagged evidence past its retention, is dropped even when no new message arrives.
/// </summary>
internal sealed class ChildSafetyMaintenance(ChildSafetyEngine engine, TimeProvider time) : BackgroundService
{
    private static readonly TimeSpan Interval = TimeSpan.FromMinutes(5);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(Interval, time);
        try
        {
            while (await timer.WaitForNextTickAsync(stoppingToken).ConfigureAwait(false))
            {
                engine.Conversations.Purge(time.GetUtcNow());
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
    }
}
