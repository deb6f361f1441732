// SPDX-License-Identifier: Apache-2.0
using Microsoft.AspNetCore.OpenApi;
using Microsoft.OpenApi;

namespace Safeguard.Server.Api;

/// <summary>
/// Documents request bodies that endpoints read themselves. <c>.Accepts()</c> would also make
/// routing answer 415 on its own, without saying what to send; reading the body in the endpoint
/// keeps that message ours.
/// </summary>
internal static class OpenApiBodies
{
    /// <summary>A JSON body of <typeparamref name="T"/>.</summary>
    public static RouteHandlerBuilder JsonBody<T>(this RouteHandlerBuilder builder) => builder.Body(typeof(T), upload: false, rawTypes: []);

    /// <summary>An upload: multipart with a <c>file</c> part, or one of <paramref name="rawTypes"/> as the raw body; optionally JSON of <paramref name="json"/>.</summary>
    public static RouteHandlerBuilder UploadBody(this RouteHandlerBuilder builder, Type? json, params string[] rawTypes) => builder.Body(json, upload: true, rawTypes);

    private static RouteHandlerBuilder Body(this RouteHandlerBuilder builder, Type? json, bool upload, string[] rawTypes) =>
        builder.AddOpenApiOperationTransformer(async (operation, context, ct) =>
        {
            var content = new Dictionary<string, OpenApiMediaType>(StringComparer.Ordinal);
            if (json is not null)
            {
                content["application/json"] = new OpenApiMediaType { Schema = await context.GetOrCreateSchemaAsync(json, null, ct).ConfigureAwait(false) };
            }
            if (upload)
            {
                var binary = new OpenApiSchema { Type = JsonSchemaType.String, Format = "binary" };
                content["multipart/form-data"] = new OpenApiMediaType
                {
                    Schema = new OpenApiSchema
                    {
                        Type = JsonSchemaType.Object,
                        Required = new HashSet<string>(StringComparer.Ordinal) { "file" },
                        Properties = new Dictionary<string, IOpenApiSchema>(StringComparer.Ordinal) { ["file"] = binary },
                    },
                };
                foreach (var type in rawTypes)
                {
                    content[type] = new OpenApiMediaType { Schema = new OpenApiSchema { Type = JsonSchemaType.String, Format = "binary" } };
                }
            }
            operation.RequestBody = new OpenApiRequestBody { Required = true, Content = content };
        });
}
