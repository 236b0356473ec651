using Bpdp.Builder;
using Bpdp.Platform.Hosting;

// appsettings.json is read from beside the binary, wherever the service is started from.
var builder = WebApplication.CreateBuilder(new WebApplicationOptions { Args = args, ContentRootPath = AppContext.BaseDirectory });
builder.AddBpdpService("builder", bus => bus.AddBuilderStage());
var app = builder.Build();
app.MapBpdpEndpoints();
app.Run();
