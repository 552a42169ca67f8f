using System.CommandLine;
using Cheeseshop.Hosting;
using Cheeseshop.Privacy;

namespace Cheeseshop.Invitations;

/// <summary>`cheeseshop users invite EMAIL`: the admin page's invitation from a shell. The link goes only to the
/// address (it proves the invitee receives mail there), so it is not printed.</summary>
public static class UsersInviteCommand
{
    public static Command Build()
    {
        var email = new Argument<string>("email") { Description = "The address to invite" };
        var invite = new Command("invite", "Email someone a link to create an account (works for 7 days, once)") { email };
        invite.SetAction((parse, ct) => CommandLine.WithServicesAsync(parse, async (sp, ct2) =>
        {
            Data.Entities.AccountInvitation invitation;
            try
            {
                invitation = await sp.GetRequiredService<InvitationService>().InviteAsync(parse.GetValue(email), LegalHoldService.CliActor, ct2);
            }
            catch (Mail.MailDeliveryException e)
            {
                // Nothing was saved: without the email the invitation would be a link nobody has.
                Console.Error.WriteLine($"error: {e.Message}");
                return 1;
            }
            Console.Error.WriteLine($"Invited {invitation.Email}: the link works until {invitation.ExpiresAt:yyyy-MM-dd HH:mm} UTC.");
            Console.WriteLine(invitation.Id.ToString("N"));
            return 0;
        }, ct));
        return invite;
    }
}
