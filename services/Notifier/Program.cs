using Bpdp.Notifier;
using Bpdp.Notifier.Api;
using Bpdp.Platform.Hosting;

// appsettings.json is read from beside the binary, wherever the service is started from.
var builder = WebApplication.CreateBuilder(new WebApplicationOptions { Args = args, ContentRootPath = AppContext.BaseDirectory });
builder.AddBpdpService("notifier", bus => bus.AddNotifierStage(builder.Configuration));
var app = builder.Build();
app.MapBpdpEndpoints();
app.MapNotifierEndpoints();
app.Run();
