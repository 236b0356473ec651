using Bpdp.Platform.Hosting;
using Bpdp.Rollout;

var builder = WebApplication.CreateBuilder(args);
builder.AddBpdpService("rollout", bus => bus.AddRolloutStage());
var app = builder.Build();
app.MapBpdpEndpoints();
app.Run();
