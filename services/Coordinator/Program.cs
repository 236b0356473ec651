using Bpdp.Coordinator;
using Bpdp.Platform.Hosting;

var builder = WebApplication.CreateBuilder(args);
builder.AddBpdpService("coordinator", bus => bus.AddCoordinatorStage(builder.Configuration));
var app = builder.Build();
app.MapBpdpEndpoints();
app.Run();
