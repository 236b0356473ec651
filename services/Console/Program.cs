using Bpdp.Platform.Hosting;
using Bpdp.WebConsole;
using Bpdp.WebConsole.Api;

// appsettings.json is read from beside the binary, wherever the service is started from.
var builder = WebApplication.CreateBuilder(new WebApplicationOptions { Args = args, ContentRootPath = AppContext.BaseDirectory });
builder.AddBpdpService("console", bus => bus.AddConsoleStage(builder.Configuration));
var app = builder.Build();
app.MapBpdpEndpoints();
app.MapConsole();
app.Run();
