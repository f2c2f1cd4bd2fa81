using Confluent.Kafka;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.Filters;

namespace ConcertBooking.OpsConsole.Session;

/// <summary>A console page whose Kafka read failed (a broker just went down, leaders moving) is a 503 page that
/// says why and reloads itself, not an error: it is what the console is there to watch.</summary>
internal sealed class KafkaUnavailablePage : IAsyncPageFilter
{
    public Task OnPageHandlerSelectionAsync(PageHandlerSelectedContext context) => Task.CompletedTask;

    public async Task OnPageHandlerExecutionAsync(PageHandlerExecutingContext context, PageHandlerExecutionDelegate next)
    {
        var executed = await next();
        if (executed.Exception is KafkaException ex)
        {
            executed.ExceptionHandled = true;
            executed.Result = new ContentResult
            {
                StatusCode = StatusCodes.Status503ServiceUnavailable,
                ContentType = "text/html; charset=utf-8",
                Content = $"""
                    <!doctype html><html lang="en"><head><meta charset="utf-8"><meta http-equiv="refresh" content="3">
                    <title>Kafka not answering · Operators' console</title></head>
                    <body><main><h1>Kafka is not answering</h1><p>{System.Net.WebUtility.HtmlEncode(ex.Error.Reason)}. This page tries again every 3 seconds.</p>
                    <p><a href="/ops">Cluster</a> · <a href="/ops/fault-lab">Fault lab</a></p></main></body></html>
                    """,
            };
        }
    }
}
