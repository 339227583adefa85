using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using Farm.Shared.Admin;
using Microsoft.AspNetCore.Http;

namespace Farm.Admin;

/// <summary>JSON in and out of admin handlers with the shared source-generated context.</summary>
public static class AdminHttp
{
    public static IResult Ok<T>(T value, JsonTypeInfo<T> type) => Results.Json(value, type);

    public static IResult Error(int status, string message) =>
        Results.Json(new AdminError(message), AdminJsonContext.Default.AdminError, statusCode: status);

    public static IResult Message(string message) => Results.Json(new AdminMessage(message), AdminJsonContext.Default.AdminMessage);

    /// <summary>The request body, or null when it is missing or not the expected JSON.</summary>
    public static async Task<T?> ReadAsync<T>(HttpContext context, JsonTypeInfo<T> type)
        where T : class
    {
        if (context.Request.ContentLength is 0)
        {
            return null;
        }

        try
        {
            return await JsonSerializer.DeserializeAsync(context.Request.Body, type, context.RequestAborted).ConfigureAwait(false);
        }
        catch (JsonException)
        {
            return null;
        }
    }
}
