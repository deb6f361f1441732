// SPDX-License-Identifier: Apache-2.0
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Safeguard.Cases;
using Safeguard.Webhooks;

namespace Safeguard.ReviewConsole;

/// <summary>Background work of the console: returns lapsed claims to the queue and sends webhooks from the outbox.</summary>
internal sealed class ConsoleWorker(
    CaseService cases,
    IOutboxStore outbox,
    ConsoleOptions options,
    IHttpClientFactory httpClients,
    TimeProvider time,
    ILogger<ConsoleWorker> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var dispatcher = options.Webhook is { } endpoint
            ? new OutboxDispatcher(outbox, new HttpWebhookTransport(httpClients.CreateClient(nameof(ConsoleWorker))), endpoint, options.WebhookBackoff, time)
            : null;
        using var timer = new PeriodicTimer(options.WorkerInterval, time);
        do
        {
            try
            {
                var expired = await cases.ExpireClaimsAsync(stoppingToken).ConfigureAwait(false);
                if (expired > 0)
                {
                    ConsoleLog.ClaimsExpired(logger, expired);
                }
                if (dispatcher is not null)
                {
                    var summary = await dispatcher.RunOnceAsync(stoppingToken).ConfigureAwait(false);
                    if (summary != default)
                    {
                        ConsoleLog.WebhooksDispatched(logger, summary.Delivered, summary.Retrying, summary.DeadLettered);
                    }
                }
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
#pragma warning disable CA1031 // One failed pass (a database blip) must not stop later passes; the type is logged, not the message.
            catch (Exception e)
#pragma warning restore CA1031
            {
                ConsoleLog.WorkerFailed(logger, e.GetType().Name);
            }
        }
        while (await timer.WaitForNextTickAsync(stoppingToken).ConfigureAwait(false));
    }
}
