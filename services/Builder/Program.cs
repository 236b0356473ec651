using Bpdp.Builder;
using Bpdp.Platform.Hosting;

var builder = WebApplication.CreateBuilder(args);
builder.AddBpdpService("builder", bus => bus.AddBuilderStage());
var app = builder.Build();
app.MapBpdpEndpoints();
app.Run();
