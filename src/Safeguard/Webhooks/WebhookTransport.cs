// SPDX-License-Identifier: Apache-2.0
using System.Globalization;
using System.Net.Http.Headers;
using System.Text;

namespace Safeguard.Webhooks;

/// <summary>Where webhooks go and the secret they are signed with.</summary>
/// <param name="Url">The platform's receiver (https in production).</param>
/// <param name="Secret">Shared HMAC secret (from configuration or a secret store; never in the repository).</param>
public sealed record WebhookEndpoint(Uri Url, byte[] Secret);

/// <summary>One signed delivery.</summary>
public sealed record WebhookRequest(Uri Url, string Body, IReadOnlyDictionary<string, string> Headers);

/// <summary>What a delivery attempt came to. <paramref name="Error"/> is an HTTP status or an error class, never a body.</summary>
public sealed record WebhookResult(bool Delivered, string? Error);

/// <summary>Sends one webhook request.</summary>
public interface IWebhookTransport
{
    Task<WebhookResult> SendAsync(WebhookRequest request, CancellationToken cancellationToken);
}

/// <summary>Sends webhooks with <see cref="HttpClient"/>; 2xx is delivered, anything else is retried.</summary>
public sealed class HttpWebhookTransport(HttpClient client) : IWebhookTransport
{
    public async Task<WebhookResult> SendAsync(WebhookRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        using var message = new HttpRequestMessage(HttpMethod.Post, request.Url)
        {
            Content = new StringContent(request.Body, Encoding.UTF8, new MediaTypeHeaderValue("application/json")),
        };
        foreach (var (name, value) in request.Headers)
        {
            message.Headers.TryAddWithoutValidation(name, value);
        }
        try
        {
            using var response = await client.SendAsync(message, HttpCompletionOption.ResponseHeadersRead, cancellationToken).ConfigureAwait(false);
            return response.IsSuccessStatusCode
                ? new WebhookResult(true, null)
                : new WebhookResult(false, string.Create(CultureInfo.InvariantCulture, $"http {(int)response.StatusCode}"));
        }
        catch (HttpRequestException e)
        {
            return new WebhookResult(false, e.HttpRequestError.ToString());
        }
        catch (TaskCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            return new WebhookResult(false, "timeout");
        }
    }
}
