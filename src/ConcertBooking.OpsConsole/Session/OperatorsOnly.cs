using ConcertBooking.Web;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.Filters;

namespace ConcertBooking.OpsConsole.Session;

/// <summary>Every console page but the sign-in: someone not signed in is sent to sign in, a signed-in non-admin
/// gets a 403 page. (Pages are mapped with the web app's, which allows anonymous access, so the check is here.)</summary>
internal sealed class OperatorsOnly : IAsyncPageFilter
{
    public Task OnPageHandlerSelectionAsync(PageHandlerSelectedContext context) => Task.CompletedTask;

    public Task OnPageHandlerExecutionAsync(PageHandlerExecutingContext context, PageHandlerExecutionDelegate next)
    {
        var http = context.HttpContext;
        if (http.User.Identity?.IsAuthenticated != true)
        {
            var returnUrl = http.Request.Path + http.Request.QueryString;
            context.Result = new RedirectResult("/ops/signin?returnUrl=" + Uri.EscapeDataString(returnUrl));
            return Task.CompletedTask;
        }

        if (!http.User.IsAdmin())
        {
            context.Result = new ContentResult
            {
                StatusCode = StatusCodes.Status403Forbidden,
                ContentType = "text/html; charset=utf-8",
                Content = """
                    <!doctype html><html lang="en"><head><meta charset="utf-8"><title>Operators only · ConcertBooking</title></head>
                    <body><main><h1>Operators only</h1><p>The operators' console is for admins. <a href="/ops/signin">Sign in as an admin</a> or go back to <a href="/">the concerts</a>.</p></main></body></html>
                    """,
            };
            return Task.CompletedTask;
        }

        return next();
    }
}
