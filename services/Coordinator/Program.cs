using Bpdp.Coordinator;
using Bpdp.Platform.Hosting;

// appsettings.json is read from beside the binary, wherever the service is started from.
var builder = WebApplication.CreateBuilder(new WebApplicationOptions { Args = args, ContentRootPath = AppContext.BaseDirectory });
builder.AddBpdpService("coordinator", bus => bus.AddCoordinatorStage(builder.Configuration));
var app = builder.Build();
app.MapBpdpEndpoints();
app.Run();
